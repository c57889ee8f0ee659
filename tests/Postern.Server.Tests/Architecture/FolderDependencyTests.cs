using System.Text.RegularExpressions;

namespace Postern.Server.Tests.Architecture;

/// <summary>
/// The folders of <c>src/Postern.Server</c> form a layering: no folder imports one that imports it back, directly or
/// through others.
/// </summary>
/// <remarks>
/// <para>
/// A file belongs to its top folder (<c>AppAccess/AppProxy.cs</c> to <c>AppAccess</c>). It imports folder <c>X</c> by a
/// <c>using Postern.Server.X;</c> directive, by a fully-qualified <c>Postern.Server.X.</c> name, or by a name qualified
/// from the folder itself (<c>Sessions.SessionKeys</c>, <c>State.ClusterLeader</c> in a <c>cref</c>), since every
/// folder's namespace sits inside <c>Postern.Server</c>.
/// </para>
/// <para>
/// The rule for the root namespace: its types are visible to every folder without a <c>using</c>, so a root-level file
/// is either a leaf (it imports no folder, e.g. <c>LogMessages.cs</c>, and any folder may use it) or part of the
/// composition root (it imports folders, e.g. <c>PosternHost.cs</c>, <c>DemoSetup.cs</c>, and no folder file may name
/// its types). Either way no cycle can pass through the root.
/// </para>
/// </remarks>
public sealed partial class FolderDependencyTests
{
    private static readonly string ServerDir = Path.Combine(FindRepoRoot(), "src", "Postern.Server");

    [Fact]
    public void No_folder_imports_a_folder_that_imports_it_back()
    {
        var graph = FolderGraph();
        Assert.True(graph.Count >= 8, $"only {graph.Count} folders were read from {ServerDir}; the test is not reading the server");
        Assert.True(graph.Values.Sum(v => v.Count) >= 10, "almost no imports were found; the test is not seeing them");
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, $"folders import each other: {string.Join(" -> ", cycle ?? [])}\n{Describe(graph)}");
    }

    [Fact]
    public void A_root_level_file_that_imports_folders_is_named_by_no_folder()
    {
        var folders = Folders();
        var problems = new List<string>();
        foreach (var rootFile in Directory.GetFiles(ServerDir, "*.cs"))
        {
            var text = File.ReadAllText(rootFile);
            if (Imports(text, folders).Count == 0)
            {
                continue;
            }

            foreach (var type in DeclaredTypes().Matches(text).Select(m => m.Groups[1].Value))
            {
                var namePattern = new Regex(@"(?<![\w.])" + type + @"\b");
                foreach (var file in SourceFiles().Where(f => FolderOf(f) is not null))
                {
                    if (namePattern.IsMatch(File.ReadAllText(file)))
                    {
                        problems.Add($"{Path.GetRelativePath(ServerDir, file)} names {type} of the composition root {Path.GetFileName(rootFile)}");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_cycle_finder_reports_a_cycle_with_its_path()
    {
        var graph = new Dictionary<string, SortedSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };
        Assert.Equal(["A", "B", "C", "A"], FindCycle(graph));
        graph["C"] = [];
        Assert.Null(FindCycle(graph));
    }

    private static Dictionary<string, SortedSet<string>> FolderGraph()
    {
        var folders = Folders();
        var graph = folders.ToDictionary(f => f, _ => new SortedSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            if (FolderOf(file) is not { } folder)
            {
                continue;
            }

            foreach (var imported in Imports(File.ReadAllText(file), folders).Where(i => i != folder))
            {
                graph[folder].Add(imported);
            }
        }

        return graph;
    }

    private static HashSet<string> Imports(string text, HashSet<string> folders)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in UsingDirective().Matches(text))
        {
            found.Add(m.Groups[1].Value);
        }

        foreach (Match m in QualifiedName().Matches(text))
        {
            found.Add(m.Groups[1].Value);
        }

        foreach (Match m in FolderQualifiedName().Matches(text))
        {
            found.Add(m.Groups[1].Value);
        }

        found.IntersectWith(folders);
        return found;
    }

    /// <summary>A cycle as the path of folders that closes it (first = last), or <c>null</c>.</summary>
    internal static List<string>? FindCycle(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path[path.IndexOf(next)..], next];
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    private static string Describe(Dictionary<string, SortedSet<string>> graph) =>
        string.Join("\n", graph.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"  {p.Key} -> {string.Join(", ", p.Value)}"));

    private static HashSet<string> Folders() =>
        new(Directory.GetDirectories(ServerDir).Select(Path.GetFileName).OfType<string>().Where(d => d is not ("bin" or "obj")), StringComparer.Ordinal);

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(ServerDir, "*.cs", SearchOption.AllDirectories).Where(f => FolderOf(f) is not ("bin" or "obj"));

    private static string? FolderOf(string file)
    {
        var relative = Path.GetRelativePath(ServerDir, file).Split(Path.DirectorySeparatorChar);
        return relative.Length > 1 ? relative[0] : null;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Postern.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Postern.slnx) above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?Postern\.Server\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?Postern\.Server\.(\w+)\.")]
    private static partial Regex QualifiedName();

    // A folder's name followed by a type name, not after a dot (which would be a member access or another namespace).
    [GeneratedRegex(@"(?<![\w.])(\w+)\.[A-Z]\w*")]
    private static partial Regex FolderQualifiedName();

    [GeneratedRegex(@"^(?:public|internal)\s+(?:(?:sealed|static|abstract|partial|readonly)\s+)*(?:class|record struct|record|struct|interface|enum)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex DeclaredTypes();
}
