return await Postern.Cli.PosternCli.CreateRootCommand().Parse(args).InvokeAsync();
