namespace Postern.WorkloadIdentity.Api;

/// <summary>Why <see cref="SvidRequest.TryParse"/> refused a request, with a message that says what to change.</summary>
/// <param name="Code">What kind of refusal: it decides the answer's status.</param>
/// <param name="Message">The reason, naming the member and the problem; never a credential.</param>
public sealed record SvidRequestRefusal(SvidRequestRefusalCode Code, string Message);

/// <summary>The kinds of refusal of a JWT-SVID request before policy is asked.</summary>
public enum SvidRequestRefusalCode
{
    /// <summary>The body is malformed or out of bounds (400).</summary>
    BadRequest,

    /// <summary>
    /// The body carries attested <c>workload</c> attributes, and the caller is not an agent: a signed-in user, or a bot
    /// whose credential is a script's (403, audited as <c>jwt_svid.denied</c>).
    /// </summary>
    NotAnAgent,

    /// <summary>
    /// The certificate signing request of an X.509-SVID is refused: a bad signature, a weak key, or extensions asked for
    /// (403, audited as <c>x509_svid.denied</c>).
    /// </summary>
    BadSigningRequest,
}
