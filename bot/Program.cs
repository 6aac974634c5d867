// Other exceptions are not swallowed into exit codes: test hosts (WebApplicationFactory) stop the host by throwing through Main.
try
{
    return await SuccessBot.Cli.Verbs.RunAsync(args);
}
catch (SuccessBot.InvalidSettingException bad)
{
    Console.Error.WriteLine($"Configuration: {bad.Message}");
    return 2;
}

/// <summary>The entry point, public so that tests can host it (WebApplicationFactory&lt;Program&gt;).</summary>
public partial class Program;
