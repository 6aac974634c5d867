namespace SuccessBot.LocalChat;

/// <summary>The local chat page, shipped inside the executable.</summary>
public static class ChatPage
{
    public static string Html { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(ChatPage).Assembly.GetManifestResourceStream("SuccessBot.LocalChat.chat.html")
            ?? throw new InvalidOperationException("The chat page is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
