using System.Text.Json;

namespace Postern.Verification.Tests.Wycheproof;

/// <summary>One Wycheproof test case with its group (which holds the key), as read from the vendored file.</summary>
public sealed record WycheproofVector(string File, int TestCaseId, string Result, string Comment, JsonElement Group, JsonElement Test)
{
    /// <summary>The test case's name: file, tcId, expected result and Wycheproof's comment.</summary>
    public string Name => $"{File} #{TestCaseId} {Result} ({Comment})";
}
