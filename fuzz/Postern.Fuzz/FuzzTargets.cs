using Postern.Fuzz.Harnesses;

namespace Postern.Fuzz;

/// <summary>Every fuzz target, by the name <c>fuzz/run.sh</c>, the corpus folders and the replay test use.</summary>
public static class FuzzTargets
{
    /// <summary>The targets, in the order <c>fuzz/run.sh list</c> prints them.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("jws", "PosternTokenValidator.ValidateAsync (compact JWS/JWT: app access assertion and JWT-SVID)", JwsHarness.Run),
        new("jwks", "KeySet.TryParse, the JWKS cache's reader, the agent's JwtBundle.TryCreate", JwksHarness.Run),
        new("header-template", "HeaderRewrite.TryParse + HeaderRendering.Render (rewrite.headers rules)", HeaderTemplateHarness.Run),
        new("trait-template", "TraitTemplate.TryParse + Expand (role label values, header values, claims)", TraitTemplateHarness.Run),
        new("spiffe-id", "SpiffeId.Check against the verification library's JWT-SVID subject rule", SpiffeIdHarness.Run),
        new("spiffe-id-template", "SpiffeIdTemplate.TryParse + Render (workload_identity spiffe_id templates)", SpiffeIdTemplateHarness.Run),
        new("config", "ConfigLoader.Parse (postern.yaml)", ConfigHarness.Run),
        new("resource-yaml", "ResourceYaml.Parse, then ResourceJson store round trip and ResourceYaml.Render", ResourceYamlHarness.Run),
        new("workload-api", "SvidRequest.TryParse, JoinRequest.TryParse (workload identity API bodies)", WorkloadApiHarness.Run),
        new("audit-journal", "AuditJournal.ReadEvents (a journal segment left by a crash: torn lines, zeros, non-events)", AuditJournalHarness.Run),
        new("admin-api", "The admin API's TryParse: AddUser, UpdateUser, AddBot, JoinToken, Lock, RotateAuthority", AdminApiHarness.Run),
    ];

    /// <summary>The target named <paramref name="name"/>, or <c>null</c>.</summary>
    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>Feeds <paramref name="input"/> to <paramref name="target"/>, unless it is longer than <see cref="FuzzInput.MaxLength"/>.</summary>
    public static void Feed(FuzzTarget target, byte[] input)
    {
        if (input.Length <= FuzzInput.MaxLength)
        {
            target.Run(input);
        }
    }
}
