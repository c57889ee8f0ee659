using Postern.Testing;
using Xunit;

namespace Postern.Fuzz.Tests;

/// <summary>
/// Every file of a target's corpus (<c>fuzz/corpus/TARGET/</c>) and every crash the fuzzer once found
/// (<c>fuzz/regressions/TARGET/</c>) goes through the target's harness again: a parser that throws on any of them
/// (or breaks the harness's contract) fails the target's test, naming the file.
/// </summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corpus_file_and_regression_goes_through_the_harness(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var files = Inputs(name);
        Assert.NotEmpty(files);

        var failures = new List<string>();
        foreach (var file in files)
        {
            try
            {
                FuzzTargets.Feed(target, File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Count} inputs of '{name}' fail:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void Every_corpus_and_regression_folder_belongs_to_a_target()
    {
        var names = FuzzTargets.All.Select(t => t.Name).ToHashSet();
        var folders = new[] { "corpus", "regressions" }
            .Select(f => Path.Combine(RepoPaths.Root, "fuzz", f))
            .Where(Directory.Exists)
            .SelectMany(Directory.GetDirectories)
            .Select(f => Path.GetFileName(f)!)
            .ToList();
        Assert.All(folders, folder => Assert.Contains(folder, names));
        Assert.All(names, name => Assert.True(Directory.Exists(Path.Combine(RepoPaths.Root, "fuzz", "corpus", name)), $"no corpus for '{name}'"));
    }

    private static List<string> Inputs(string name) =>
        [.. new[] { "corpus", "regressions" }
            .Select(folder => Path.Combine(RepoPaths.Root, "fuzz", folder, name))
            .Where(Directory.Exists)
            .SelectMany(Directory.GetFiles)
            .Where(f => Path.GetFileName(f) is not ".gitkeep" and not "README.md")
            .Order(StringComparer.Ordinal)];
}
