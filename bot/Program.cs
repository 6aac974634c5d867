return await SuccessBot.Cli.Verbs.Build().Parse(args).InvokeAsync();
