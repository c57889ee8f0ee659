using System.Text.RegularExpressions;

namespace Postern.Core.Tests.Docs;

/// <summary>
/// Every relative link in the README, <c>docs/</c> and <c>examples/</c> resolves to a file or folder of
/// this repository: nothing points beside the checkout (such as <c>../shared/…</c>), and nothing points
/// at a page that was moved or never written. Absolute URLs and pure <c>#anchor</c> links are not checked.
/// </summary>
public sealed partial class DocLinkTests
{
    private static readonly string Root = FindRepositoryRoot();

    /// <summary>The Markdown files checked, as paths relative to the repository root with <c>/</c> separators.</summary>
    public static TheoryData<string> MarkdownFiles()
    {
        var files = new List<string>();
        var readme = Path.Combine(Root, "README.md");
        if (File.Exists(readme))
        {
            files.Add(readme);
        }

        foreach (var folder in new[] { "docs", "examples" })
        {
            var path = Path.Combine(Root, folder);
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.md", SearchOption.AllDirectories));
            }
        }

        var data = new TheoryData<string>();
        foreach (var file in files.Select(Relative).Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    [Fact]
    public void The_checked_files_include_the_readme_and_the_docs_index()
    {
        var files = ((IEnumerable<object[]>)MarkdownFiles()).Select(row => (string)row[0]).ToList();
        Assert.Contains("README.md", files);
        Assert.Contains("docs/README.md", files);
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Every_relative_link_resolves_inside_the_repository(string file)
    {
        var path = Path.Combine(Root, file);
        var folder = Path.GetDirectoryName(path)!;
        var broken = new List<string>();

        foreach (var (line, target) in LinkTargets(File.ReadAllText(path)))
        {
            if (IsExternal(target))
            {
                continue;
            }

            var withoutFragment = target.Split('#', 2)[0];
            if (withoutFragment.Length == 0)
            {
                continue; // a pure #anchor within the page
            }

            var decoded = Uri.UnescapeDataString(withoutFragment.Split('?', 2)[0]);
            var resolved = decoded.StartsWith('/')
                ? Path.GetFullPath(Path.Combine(Root, decoded.TrimStart('/')))
                : Path.GetFullPath(Path.Combine(folder, decoded));

            if (!IsInside(resolved, Root))
            {
                broken.Add($"{file}:{line}: '{target}' points outside the repository ({resolved})");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{file}:{line}: '{target}' does not exist ({Relative(resolved)})");
            }
        }

        Assert.True(broken.Count == 0, $"{broken.Count} broken link(s):\n" + string.Join('\n', broken));
    }

    [Theory]
    [InlineData("see [the spec](../shared/SPEC.md).", "../shared/SPEC.md")]
    [InlineData("[`docs/`](docs/) and [x](<a b.md> \"title\")", "docs/", "a b.md")]
    [InlineData("![logo](img/logo.png 'Logo')", "img/logo.png")]
    [InlineData("  [ref]: ../outside.md \"Title\"", "../outside.md")]
    [InlineData("[ref]: <with space.md>", "with space.md")]
    [InlineData("`[not](a-link.md)` and\n```\n[nor](this.md)\n```\n[yes](this.md#part)", "this.md#part")]
    public void Finds_inline_links_images_and_reference_definitions(string markdown, params string[] expected)
    {
        Assert.Equal(expected, LinkTargets(markdown).Select(link => link.Target));
    }

    [Theory]
    [InlineData("https://example.com/x", true)]
    [InlineData("http://127.0.0.1:3080/", true)]
    [InlineData("mailto:someone@example.com", true)]
    [InlineData("../shared/SPEC.md", false)]
    [InlineData("docs/README.md#index", false)]
    public void Only_absolute_urls_are_external(string target, bool external)
    {
        Assert.Equal(external, IsExternal(target));
    }

    /// <summary>The link targets of a Markdown text with their line numbers; code blocks and code spans are skipped.</summary>
    private static IEnumerable<(int Line, string Target)> LinkTargets(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? fence = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (fence is not null)
            {
                if (trimmed.StartsWith(fence, StringComparison.Ordinal))
                {
                    fence = null;
                }

                continue;
            }

            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                fence = trimmed[..3];
                continue;
            }

            var definition = ReferenceDefinition().Match(line);
            if (definition.Success)
            {
                yield return (i + 1, Unwrap(definition.Groups["target"].Value));
                continue;
            }

            var text = CodeSpan().Replace(line, match => CodeSpanKeepsLinkText(match.Value));
            foreach (Match link in InlineLink().Matches(text))
            {
                yield return (i + 1, Unwrap(link.Groups["target"].Value));
            }
        }
    }

    // A code span inside a link's text, as in [`docs/`](docs/), stays a link; a code span elsewhere is not read.
    private static string CodeSpanKeepsLinkText(string span) => new('x', span.Length);

    private static string Unwrap(string target) =>
        target.StartsWith('<') && target.EndsWith('>') ? target[1..^1] : target;

    private static bool IsExternal(string target) =>
        Scheme().IsMatch(target) || target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase);

    private static bool IsInside(string path, string root)
    {
        var normalizedRoot = Path.TrimEndingDirectorySeparator(root);
        return path.Equals(normalizedRoot, StringComparison.Ordinal)
            || path.StartsWith(normalizedRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static string Relative(string path) =>
        Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Postern.slnx")))
            {
                return Path.GetFullPath(folder.FullName);
            }
        }

        throw new InvalidOperationException($"No folder holding Postern.slnx above {AppContext.BaseDirectory}.");
    }

    // [text](target) or ![alt](target), with an optional "title"; the target may be <wrapped in angle brackets>.
    [GeneratedRegex(@"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(?<target><[^>]*>|[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:""[^""]*""|'[^']*'|\([^)]*\)))?\s*\)")]
    private static partial Regex InlineLink();

    // [label]: target "optional title", indented at most three spaces.
    [GeneratedRegex(@"^ {0,3}\[[^\]]+\]:\s*(?<target><[^>]*>|\S+)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"(`+)(?!`).*?(?<!`)\1(?!`)")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*://")]
    private static partial Regex Scheme();
}
