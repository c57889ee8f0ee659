using Postern.AppAccess;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// Header rules (<c>rewrite.headers</c>: <c>X-Team: {{external.groups}}</c>) through <see cref="HeaderRewrite.TryParse"/>,
/// then rendered for a user whose every trait holds the input's values (<see cref="HeaderRendering.Render"/>).
/// Contract: a rule or an error; the rendered value, when there is one, is safe to send (no control character but
/// tab) and the trait values left out each have a reason.
/// </summary>
internal static class HeaderTemplateHarness
{
    public static void Run(byte[] input)
    {
        var (line, values) = TemplateInput.Read(input);
        if (!HeaderRewrite.TryParse(line, out var rule, out var error))
        {
            ContractBroken.Unless(rule is null && !string.IsNullOrEmpty(error), "refused without a reason");
            return;
        }

        ContractBroken.Unless(rule is not null && error is null && rule.Name.Length > 0, "accepted without a rule");
        var traits = new SameForEveryKey<IReadOnlyList<string>>(values);
        var rendered = HeaderRendering.Render(rule!, traits, traits, values.Count > 0 ? values[0] : null);
        ContractBroken.Unless(rendered.Value is null || HeaderRewrite.IsSafeValue(rendered.Value), $"unsafe header value '{rendered.Value}'");
        ContractBroken.Unless(rendered.Refusals.All(r => !string.IsNullOrEmpty(r)), "a value left out without a reason");
    }
}
