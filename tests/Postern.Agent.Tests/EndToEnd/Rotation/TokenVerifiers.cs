using System.Collections.Concurrent;
using Grpc.Core;
using Postern.Agent.Tests.Infrastructure;
using Postern.Agent.WorkloadApi;
using Postern.Verification;

namespace Postern.Agent.Tests.EndToEnd.Rotation;

/// <summary>
/// Three independent verifiers, each keeping its key sets for as long as it lives, as a deployed one would:
/// Postern.Verification (one validator per key set), jose's remote key sets (verify-stream.mjs) and the
/// agent's <c>ValidateJWTSVID</c> (SVIDs only). Every distinct token goes to each verifier that applies, at
/// once; each verdict is kept.
/// </summary>
internal sealed class TokenVerifiers(PosternTokenValidator jwt, PosternTokenValidator workload, JoseStream jose, WorkloadClient agent)
{
    public const string PosternVerification = "Postern.Verification";
    public const string Jose = "jose";
    public const string Agent = "agent";

    private readonly ConcurrentDictionary<string, byte> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Kind, string Kid), IssuedToken> _lastByKid = new();
    private readonly ConcurrentQueue<TokenVerdict> _verdicts = new();

    /// <summary>Each verifier and the kinds of token it checks.</summary>
    public static IReadOnlyList<(string Name, string[] Kinds)> All { get; } =
    [
        (PosternVerification, ["jwt", "workload"]),
        (Jose, ["jwt", "workload"]),
        (Agent, ["workload"]),
    ];

    public IReadOnlyCollection<TokenVerdict> Verdicts => _verdicts;

    /// <summary>Has every verifier that applies check <paramref name="token"/>, unless it was seen before.</summary>
    public async Task VerifyAsync(IssuedToken token)
    {
        if (!_seen.TryAdd(token.Value, 0))
        {
            return;
        }

        _lastByKid[(token.Kind, token.Kid)] = token;
        var checks = new List<Task>
        {
            RecordAsync(PosternVerification, token, () => ByPosternVerificationAsync(token)),
            RecordAsync(Jose, token, () => ByJoseAsync(token)),
        };
        if (token.Kind == "workload")
        {
            checks.Add(RecordAsync(Agent, token, () => ByAgentAsync(token)));
        }

        await Task.WhenAll(checks);
    }

    /// <summary>The last token of <paramref name="kind"/> seen signed by <paramref name="kid"/>.</summary>
    public IssuedToken LastSignedBy(string kind, string kid) =>
        _lastByKid.TryGetValue((kind, kid), out var token) ? token : throw new InvalidOperationException($"no {kind} token signed by {kid} was seen");

    public bool EachHasAcceptedEveryKind() =>
        All.All(v => v.Kinds.All(kind => _verdicts.Any(x => x.Verifier == v.Name && x.Kind == kind && x.Accepted)));

    /// <summary>The kids of the tokens of <paramref name="kind"/> that <paramref name="verifier"/> accepted.</summary>
    public IReadOnlySet<string> AcceptedKids(string verifier, string kind) =>
        _verdicts.Where(v => v.Verifier == verifier && v.Kind == kind && v.Accepted).Select(v => v.Token.Kid).ToHashSet(StringComparer.Ordinal);

    /// <summary>How many distinct tokens came from each source, e.g. <c>agent SVID 27, app assertion 152</c>.</summary>
    public string Sources() => string.Join(", ", _verdicts.Where(v => v.Verifier == PosternVerification)
        .GroupBy(v => v.Token.Source).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));

    /// <summary>A line per verifier and kind: accepted (by key) and rejected.</summary>
    public string Tally(IReadOnlyDictionary<string, string> oldKids, IReadOnlyDictionary<string, string> newKids) =>
        string.Join("\n", All.SelectMany(v => v.Kinds.Select(kind =>
        {
            var verdicts = _verdicts.Where(x => x.Verifier == v.Name && x.Kind == kind).ToList();
            var accepted = verdicts.Where(x => x.Accepted).ToList();
            return $"{v.Name,-21} {kind,-8} accepted {accepted.Count,5} (old key {accepted.Count(x => x.Token.Kid == oldKids[kind]),4}, "
                + $"new key {accepted.Count(x => x.Token.Kid == newKids[kind]),4}), rejected {verdicts.Count - accepted.Count}";
        })));

    private async Task<string?> ByPosternVerificationAsync(IssuedToken token)
    {
        var result = await (token.Kind == "jwt" ? jwt : workload).ValidateAsync(token.Value);
        return result.IsValid ? null : result.ToString();
    }

    private async Task<string?> ByJoseAsync(IssuedToken token)
    {
        var answer = await jose.VerifyAsync(token.Kind, token.Value, token.Audience);
        return answer.Ok ? null : $"{answer.Code}: {answer.Error}";
    }

    private async Task<string?> ByAgentAsync(IssuedToken token)
    {
        try
        {
            await agent.Api.ValidateJWTSVIDAsync(new ValidateJWTSVIDRequest { Audience = token.Audience, Svid = token.Value }, WorkloadClient.SecurityHeader);
            return null;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            return e.Status.Detail;
        }
    }

    // A check returns null when the token is accepted, or why it was rejected; a verifier that fails rejects.
    private async Task RecordAsync(string verifier, IssuedToken token, Func<Task<string?>> check)
    {
        string? rejected;
        try
        {
            rejected = await check();
        }
        catch (Exception e)
        {
            rejected = $"the verifier failed: {e.GetType().Name}: {e.Message}";
        }

        _verdicts.Enqueue(new TokenVerdict(verifier, token, rejected is null, rejected, token.Age));
    }
}
