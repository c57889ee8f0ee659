using Postern.WorkloadIdentity;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// SPIFFE ID templates (<c>/ns/{{user.traits.team}}/{{path(workload.unix.exe)}}</c>) through
/// <see cref="SpiffeIdTemplate.TryParse"/>, then rendered for a user and for an agent's bot whose every attribute
/// (name, traits, labels, executable path) is the input's first value. Contract: a template or an error; a rendered
/// path, when there is one, is a valid SPIFFE ID path — a caller's value never escapes its segment.
/// </summary>
internal static class SpiffeIdTemplateHarness
{
    public static void Run(byte[] input)
    {
        var (text, values) = TemplateInput.Read(input);
        if (!SpiffeIdTemplate.TryParse(text, out var template, out var error))
        {
            ContractBroken.Unless(!string.IsNullOrEmpty(error), "refused without a reason");
            return;
        }

        var value = values.Count > 0 ? values[0] : "";
        var unix = new UnixAttributes(1000, 1000, 4242, value) { ExeSha256 = value };
        WorkloadCaller[] callers =
        [
            new() { Kind = WorkloadCallerKind.User, Name = value, Traits = new SameForEveryKey<IReadOnlyList<string>>(values) },
            new() { Kind = WorkloadCallerKind.Bot, Name = value, Agent = true, Unix = unix, JoinLabels = new SameForEveryKey<string>(value) },
        ];
        foreach (var caller in callers)
        {
            var rendered = template.Render(caller, out var renderError);
            ContractBroken.Unless(rendered is null ? !string.IsNullOrEmpty(renderError) : renderError is null, "a render with both or neither of a path and an error");
            // The path's segments are the template's contract; the whole ID's 2048-byte limit is checked by the issuer
            // (JwtSvidIssuer), which alone knows the trust domain.
            ContractBroken.Unless(rendered is null || (rendered.StartsWith('/') && SpiffeId.CheckPath(rendered) is null),
                $"the template '{text}' rendered '{rendered}', not a SPIFFE ID path");
        }
    }
}
