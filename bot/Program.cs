using System.CommandLine;

// Exceptions are not swallowed into exit codes: test hosts (WebApplicationFactory) stop the host by throwing through Main.
return await SuccessBot.Cli.Verbs.Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });

/// <summary>The entry point, public so that tests can host it (WebApplicationFactory&lt;Program&gt;).</summary>
public partial class Program;
