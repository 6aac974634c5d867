namespace SuccessBot.Core.Language;

/// <summary>
/// Names the message texts: Messages.resx (English) and Messages.LANG.resx beside it, one file per language for a
/// translator, compiled into this assembly and its satellites.
/// </summary>
public sealed class Messages;
