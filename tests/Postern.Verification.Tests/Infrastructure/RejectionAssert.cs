namespace Postern.Verification.Tests.Infrastructure;

/// <summary>What every row of a rejection table asserts.</summary>
internal static class RejectionAssert
{
    /// <summary>
    /// <paramref name="result"/> rejects with exactly <paramref name="expected"/>, with a message that
    /// mentions <paramref name="mention"/> (when given) and quotes no segment of <paramref name="token"/>.
    /// </summary>
    public static void Rejected(PosternTokenValidationResult result, TokenRejection expected, string? mention, string token)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Identity);
        Assert.Equal(expected, result.Rejection);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        if (mention is not null)
        {
            Assert.Contains(mention, result.Message, StringComparison.Ordinal);
        }

        foreach (var segment in token.Split('.').Where(segment => segment.Length > 8))
        {
            Assert.DoesNotContain(segment, result.Message, StringComparison.Ordinal);
        }
    }
}
