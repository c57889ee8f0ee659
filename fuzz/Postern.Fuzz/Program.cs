using Postern.Fuzz;
using SharpFuzz;

// postern-fuzz list              the targets
// postern-fuzz TARGET            under afl-fuzz: the fork server loop; alone: one input from stdin
// postern-fuzz TARGET FILE...    replays files (a crash reproducer, a corpus) and says which one throws
if (args.Length == 0 || args[0] == "list")
{
    foreach (var t in FuzzTargets.All)
    {
        Console.WriteLine($"{t.Name,-20} {t.Parser}");
    }

    return args.Length == 0 ? 2 : 0;
}

if (FuzzTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; `list` shows the targets");
    return 2;
}

if (args.Length > 1)
{
    foreach (var file in args[1..])
    {
        Console.WriteLine(file);
        FuzzTargets.Feed(target, File.ReadAllBytes(file));
    }

    return 0;
}

Fuzzer.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Feed(target, buffer.ToArray());
});
return 0;
