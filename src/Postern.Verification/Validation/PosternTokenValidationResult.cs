using System.Diagnostics.CodeAnalysis;

namespace Postern.Verification;

/// <summary>
/// The outcome of <see cref="PosternTokenValidator.ValidateAsync"/>: an accepted token's
/// <see cref="Identity"/>, or a <see cref="Rejection"/> with a message saying what was wrong.
/// </summary>
public sealed class PosternTokenValidationResult
{
    private PosternTokenValidationResult(PosternIdentity? identity, TokenRejection? rejection, string? message)
    {
        Identity = identity;
        Rejection = rejection;
        Message = message;
    }

    /// <summary>Whether the token was accepted; then <see cref="Identity"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(Message))]
    public bool IsValid => Identity is not null;

    /// <summary>Who the accepted token speaks for; null when rejected.</summary>
    public PosternIdentity? Identity { get; }

    /// <summary>Why the token was rejected; null when accepted.</summary>
    public TokenRejection? Rejection { get; }

    /// <summary>What was wrong with the token, for logs and diagnostics; null when accepted. Never contains the token.</summary>
    public string? Message { get; }

    /// <inheritdoc/>
    public override string ToString() => IsValid ? $"Accepted: {Identity.Subject}" : $"{Rejection}: {Message}";

    internal static PosternTokenValidationResult Accepted(PosternIdentity identity) => new(identity, null, null);

    internal static PosternTokenValidationResult Rejected(TokenRejection rejection, string message) => new(null, rejection, message);
}
