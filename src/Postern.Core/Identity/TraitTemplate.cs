using System.Text.RegularExpressions;

namespace Postern.Identity;

/// <summary>
/// A value with at most one <c>{{ expr }}</c>, as header rules and role values use them: a literal, or literal
/// text around an expression. <c>expr</c> is <c>internal.jwt</c>, <c>internal.&lt;trait&gt;</c>,
/// <c>external.&lt;trait&gt;</c>, <c>email.local(&lt;variable&gt;)</c> or
/// <c>regexp.replace(&lt;variable&gt;, "regex", "replacement")</c>. Parsed once, then expanded per user.
/// </summary>
public sealed partial class TraitTemplate
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly string _prefix;
    private readonly string _suffix;
    private readonly string? _trait;
    private readonly Func<string, string?>? _function;

    private TraitTemplate(string text, string prefix, string suffix, string? trait, bool usesJwt, Func<string, string?>? function, bool external = false)
    {
        Text = text;
        _prefix = prefix;
        _suffix = suffix;
        _trait = trait;
        UsesJwt = usesJwt;
        _function = function;
        IsExternal = external;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>Whether the template expands <c>internal.jwt</c>.</summary>
    public bool UsesJwt { get; }

    /// <summary>Whether the template expands an <c>external.&lt;trait&gt;</c> (a claim of the identity provider).</summary>
    public bool IsExternal { get; }

    /// <summary>Whether the template has no expression.</summary>
    public bool IsLiteral => _trait is null && !UsesJwt;

    /// <summary>The literal text before the expression (all of it for a literal); every expanded value starts with it.</summary>
    internal string Prefix => _prefix;

    /// <summary>The literal text after the expression; every expanded value ends with it.</summary>
    internal string Suffix => _suffix;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> names the problem and quotes the text.</summary>
    public static bool TryParse(string text, out TraitTemplate? template, out string? error)
    {
        template = null;
        error = null;
        var open = text.IndexOf("{{", StringComparison.Ordinal);
        if (open < 0)
        {
            if (text.Contains("}}", StringComparison.Ordinal))
            {
                error = $"'}}}}' without '{{{{' in '{text}'";
                return false;
            }

            template = new TraitTemplate(text, text, "", null, false, null);
            return true;
        }

        var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            error = $"unclosed '{{{{' in '{text}'";
            return false;
        }

        var suffix = text[(close + 2)..];
        if (suffix.Contains("{{", StringComparison.Ordinal) || suffix.Contains("}}", StringComparison.Ordinal)
            || text.IndexOf("{{", open + 2, StringComparison.Ordinal) is var second and >= 0 && second < close)
        {
            error = $"more than one '{{{{ }}}}' expression in '{text}'";
            return false;
        }

        var expression = text[(open + 2)..close].Trim();
        if (!TryParseExpression(expression, out var trait, out var usesJwt, out var function, out var external, out var problem))
        {
            error = $"{problem} in '{text}'";
            return false;
        }

        template = new TraitTemplate(text, text[..open], suffix, trait, usesJwt, function, external);
        return true;
    }

    /// <summary>
    /// The values for <paramref name="traits"/>, read by <c>internal.x</c> and <c>external.x</c> alike (for a caller
    /// with one set of traits, such as a bot); see <see cref="Expand(IReadOnlyDictionary{string, IReadOnlyList{string}}, IReadOnlyDictionary{string, IReadOnlyList{string}}, string?)"/>.
    /// </summary>
    public IReadOnlyList<string> Expand(IReadOnlyDictionary<string, IReadOnlyList<string>> traits, string? jwt) => Expand(traits, traits, jwt);

    /// <summary>
    /// The values for a user with internal traits <paramref name="internalTraits"/> (set in Postern) and external
    /// traits <paramref name="externalTraits"/> (the identity provider's claims): one per trait value (none when the
    /// trait is missing), the literal itself, or the token for <c>internal.jwt</c>. Empty results are dropped.
    /// </summary>
    public IReadOnlyList<string> Expand(
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits,
        string? jwt)
    {
        if (IsLiteral)
        {
            return _prefix.Length == 0 ? [] : [_prefix];
        }

        IReadOnlyList<string> inputs = UsesJwt
            ? jwt is null ? [] : [jwt]
            : (IsExternal ? externalTraits : internalTraits).TryGetValue(_trait!, out var values) ? values : [];
        var results = new List<string>(inputs.Count);
        foreach (var input in inputs)
        {
            var value = _function is null ? input : _function(input);
            if (!string.IsNullOrEmpty(value))
            {
                results.Add(_prefix + value + _suffix);
            }
        }

        return results;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static bool TryParseExpression(string expression, out string? trait, out bool usesJwt, out Func<string, string?>? function, out bool external, out string problem)
    {
        trait = null;
        usesJwt = false;
        function = null;
        external = false;
        problem = "";
        string variable;
        if (FunctionCall().Match(expression) is { Success: true } call)
        {
            var name = call.Groups["name"].Value;
            var arguments = SplitArguments(call.Groups["args"].Value);
            if (arguments is null)
            {
                problem = $"cannot read the arguments of '{name}'";
                return false;
            }

            variable = arguments[0];
            switch (name)
            {
                case "email.local" when arguments.Count == 1:
                    function = static value => value.IndexOf('@') is var at and > 0 ? value[..at] : null;
                    break;
                case "regexp.replace" when arguments.Count == 3:
                    if (!TryUnquote(arguments[1], out var pattern) || !TryUnquote(arguments[2], out var replacement))
                    {
                        problem = "regexp.replace takes a variable and two quoted strings";
                        return false;
                    }

                    Regex regex;
                    try
                    {
                        regex = new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
                    }
                    catch (ArgumentException e)
                    {
                        problem = $"bad regular expression \"{pattern}\": {e.Message}";
                        return false;
                    }

                    function = value =>
                    {
                        try
                        {
                            return regex.IsMatch(value) ? regex.Replace(value, replacement) : null;
                        }
                        catch (RegexMatchTimeoutException)
                        {
                            return null;
                        }
                    };
                    break;
                case "email.local":
                    problem = "email.local takes one variable";
                    return false;
                case "regexp.replace":
                    problem = "regexp.replace takes a variable and two quoted strings";
                    return false;
                default:
                    problem = $"unknown function '{name}' (expected email.local or regexp.replace)";
                    return false;
            }
        }
        else
        {
            variable = expression;
        }

        if (Variable().Match(variable) is not { Success: true } parts)
        {
            problem = variable.Length == 0 ? "an empty '{{ }}'" : $"'{variable}' is not a variable (expected internal.<trait>, external.<trait> or internal.jwt)";
            return false;
        }

        var space = parts.Groups["ns"].Value;
        var key = parts.Groups["key"].Value;
        if (space is not ("internal" or "external"))
        {
            problem = $"unknown namespace '{space}' (expected internal or external)";
            return false;
        }

        if (space == "internal" && key == "jwt")
        {
            usesJwt = true;
            return true;
        }

        trait = key;
        external = space == "external";
        return true;
    }

    private static List<string>? SplitArguments(string text)
    {
        var arguments = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && quoted)
            {
                i++;
            }
            else if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == ',' && !quoted)
            {
                arguments.Add(text[start..i].Trim());
                start = i + 1;
            }
        }

        arguments.Add(text[start..].Trim());
        return quoted || arguments.Exists(a => a.Length == 0) ? null : arguments;
    }

    private static bool TryUnquote(string text, out string value)
    {
        value = "";
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            return false;
        }

        value = text[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        return true;
    }

    [GeneratedRegex(@"^(?<name>[a-z]+\.[a-z]+)\((?<args>.*)\)$", RegexOptions.Singleline)]
    private static partial Regex FunctionCall();

    [GeneratedRegex(@"^(?<ns>[A-Za-z]+)\.(?<key>[A-Za-z0-9_.:-]+)$")]
    private static partial Regex Variable();
}
