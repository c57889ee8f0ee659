using Postern.Identity;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// Trait templates (<c>{{internal.team}}</c>, <c>{{regexp.replace(external.email, "…", "…")}}</c>, role label
/// values, header values) through <see cref="TraitTemplate.TryParse"/>, then <see cref="TraitTemplate.Expand(IReadOnlyDictionary{string, IReadOnlyList{string}}, IReadOnlyDictionary{string, IReadOnlyList{string}}, string?)"/>
/// with the input's values. Contract: a template or an error; every expanded value is the literal prefix, a non-empty
/// filled part, and the literal suffix (what header rendering relies on to check only the filled part).
/// </summary>
internal static class TraitTemplateHarness
{
    public static void Run(byte[] input)
    {
        var (text, values) = TemplateInput.Read(input);
        if (!TraitTemplate.TryParse(text, out var template, out var error))
        {
            ContractBroken.Unless(template is null && !string.IsNullOrEmpty(error), "refused without a reason");
            return;
        }

        ContractBroken.Unless(template is not null && error is null, "accepted without a template");
        var traits = new SameForEveryKey<IReadOnlyList<string>>(values);
        foreach (var value in template!.Expand(traits, traits, values.Count > 0 ? values[0] : null))
        {
            ContractBroken.Unless(
                template.IsLiteral
                    ? value == template.Prefix && value.Length > 0
                    : value.Length > template.Prefix.Length + template.Suffix.Length
                      && value.StartsWith(template.Prefix, StringComparison.Ordinal)
                      && value.EndsWith(template.Suffix, StringComparison.Ordinal),
                $"the expanded value '{value}' is not prefix + value + suffix of '{template.Text}'");
        }
    }
}
