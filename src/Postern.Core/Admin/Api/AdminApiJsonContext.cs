using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postern.Admin.Api;

/// <summary>
/// The JSON of the admin API (<c>/v1/admin/…</c>), generated at build time, for the server, the <c>postern</c> admin
/// commands and tests alike. As with the workload identity API, a member that a record does not have is refused
/// (<see cref="JsonUnmappedMemberHandling.Disallow"/>): the server reads every request through <c>Default</c>, so a
/// misspelt field is an error, never ignored. Clients read answers through <see cref="Answers"/>, which skips members
/// it does not know, so that the commands keep working against a newer server that adds a field to an answer.
/// The server writes answers through <see cref="ServerAnswers"/>.
/// </summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AddUserRequest))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(IReadOnlyList<UserSummary>))]
[JsonSerializable(typeof(UserAdded))]
[JsonSerializable(typeof(UserUpdated))]
[JsonSerializable(typeof(UserRemoved))]
[JsonSerializable(typeof(TotpReset))]
[JsonSerializable(typeof(ResourcesWritten))]
[JsonSerializable(typeof(LockRequest))]
[JsonSerializable(typeof(LockPlaced))]
[JsonSerializable(typeof(IReadOnlyList<LockSummary>))]
[JsonSerializable(typeof(AddBotRequest))]
[JsonSerializable(typeof(JoinTokenRequest))]
[JsonSerializable(typeof(JoinTokenIssued))]
[JsonSerializable(typeof(IReadOnlyList<BotSummary>))]
[JsonSerializable(typeof(IReadOnlyList<AuthoritySummary>))]
[JsonSerializable(typeof(RotateAuthorityRequest))]
[JsonSerializable(typeof(RotationAnswer))]
[JsonSerializable(typeof(AdminError))]
[JsonSerializable(typeof(ClientLoginRequest))]
[JsonSerializable(typeof(ClientLogin))]
[JsonSerializable(typeof(ClientCodeExchange))]
[JsonSerializable(typeof(Caller))]
[JsonSerializable(typeof(AssertionReport))]
[JsonSerializable(typeof(DoctorRequest))]
[JsonSerializable(typeof(DoctorReport))]
public sealed partial class AdminApiJsonContext : JsonSerializerContext
{
    /// <summary>The same contract for reading answers: members added by a newer server are skipped.</summary>
    public static AdminApiJsonContext Answers { get; } = new(new JsonSerializerOptions { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip });

    /// <summary>
    /// The same contract as the server writes its answers: escaping only what JSON requires, as ASP.NET Core's own JSON
    /// answers do (<c>'</c>, <c>+</c>, <c>&amp;</c> and letters outside ASCII as they are), so that an answer reads
    /// <c>"bot 'ci' does not exist"</c> rather than <c>"bot \u0027ci\u0027 …"</c>. Answers are sent as
    /// <c>application/json</c>, never embedded in HTML.
    /// </summary>
    public static AdminApiJsonContext ServerAnswers { get; } = new(new JsonSerializerOptions
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
