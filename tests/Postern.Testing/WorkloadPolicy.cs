namespace Postern.Testing;

/// <summary>The workload policy most tests use: a role that grants every workload identity, and <c>by-uid</c>.</summary>
public static class WorkloadPolicy
{
    /// <summary>The role <c>workload</c>, which grants every workload identity (YAML, ending with a newline).</summary>
    public const string WorkloadRole = """
        kind: role
        version: v1
        metadata: { name: workload }
        spec:
          allow:
            workload_identity_labels: { "*": "*" }

        """;

    /// <summary>
    /// The role <c>workload</c> (every workload identity) and the workload identity <c>by-uid</c>
    /// (<c>/uid/{{workload.unix.uid}}</c>, labels <c>env: dev</c>), for the uids in <paramref name="uids"/>, or for
    /// any caller when none is given.
    /// </summary>
    public static string ByUid(params string[] uids) => WorkloadRole + $$$"""
        ---
        kind: workload_identity
        version: v1
        metadata: { name: by-uid, labels: { env: dev } }
        spec:
          spiffe: { id: "/uid/{{workload.unix.uid}}" }
        {{{(uids.Length == 0 ? "" : $$"""
          rules:
            allow:
              - conditions:
                  - { attribute: workload.unix.uid, in: [{{string.Join(", ", uids.Select(u => $"\"{u}\""))}}] }
        """)}}}
        """;
}
