namespace Postern.Fuzz.Harnesses;

/// <summary>
/// A template harness's input: the template on the first line, then up to <see cref="MaxValues"/> lines, each a value
/// every trait, claim, label or attribute the template names is given (so a template meets hostile values too).
/// </summary>
internal sealed record TemplateInput(string Template, IReadOnlyList<string> Values)
{
    /// <summary>At most this many values are used: a template's regular expression may take up to its timeout on each.</summary>
    public const int MaxValues = 4;

    public static TemplateInput Read(byte[] input)
    {
        var (first, rest) = FuzzInput.Lines(input);
        return new TemplateInput(first, [.. rest.Take(MaxValues)]);
    }
}
