using System.Text;
using Xunit.Abstractions;

namespace Postern.Verification.Tests.Wycheproof;

/// <summary>
/// Project Wycheproof's JOSE, ECDSA P-256 and RSA PKCS#1 v1.5 vectors through Postern.Verification,
/// one test case per vector. Run with
/// <c>dotnet test tests/Postern.Verification.Tests --filter FullyQualifiedName~Wycheproof --logger "console;verbosity=detailed"</c>
/// to see the counts (docs/security-testing.md).
/// </summary>
public sealed class WycheproofTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, string> Vectors
    {
        get
        {
            var data = new TheoryData<string, int, string>();
            foreach (var vector in WycheproofVectors.All)
            {
                data.Add(vector.File, vector.TestCaseId, vector.Result);
            }

            return data;
        }
    }

    /// <summary>One vector: the file, its tcId, and Wycheproof's result (named so the test list reads).</summary>
    [Theory]
    [MemberData(nameof(Vectors))]
    public async Task Vector(string file, int tcId, string result)
    {
        var vector = WycheproofVectors.Find(file, tcId);
        Assert.Equal(result, vector.Result);
        var name = vector.Name;

        var verdict = await WycheproofVectors.RunAsync(vector);

        var expected = WycheproofVerdict.ShouldVerify(vector, verdict.OutsideAllowList);
        Assert.True(expected == verdict.Verified,
            $"{name}: expected {(expected ? "verified" : "refused")}, got {(verdict.Verified ? "verified" : "refused")} — {verdict.Detail}");
    }

    [Fact]
    public async Task Summary_counts_every_vector_per_file_and_verdict_with_no_wrong_verdict()
    {
        var table = new StringBuilder();
        table.AppendLine("| file | vectors | valid: verified | valid: refused | invalid: verified | invalid: refused | acceptable: verified | acceptable: refused | outside RS256/ES256: refused | wrong verdicts |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        var wrong = new List<string>();
        foreach (var file in WycheproofVectors.SignatureFiles)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            var total = 0;
            var fileWrong = 0;
            foreach (var vector in WycheproofVectors.Read(file))
            {
                var verdict = await WycheproofVectors.RunAsync(vector);
                total++;
                var key = verdict.OutsideAllowList
                    ? $"outside:{(verdict.Verified ? "verified" : "refused")}"
                    : $"{vector.Result}:{(verdict.Verified ? "verified" : "refused")}";
                counts[key] = counts.GetValueOrDefault(key) + 1;
                if (WycheproofVerdict.ShouldVerify(vector, verdict.OutsideAllowList) != verdict.Verified)
                {
                    fileWrong++;
                    wrong.Add($"{vector.Name}: {verdict.Detail}");
                }
            }

            int Count(string key) => counts.GetValueOrDefault(key);
            table.AppendLine($"| {file} | {total} | {Count("valid:verified")} | {Count("valid:refused")} | {Count("invalid:verified")} | {Count("invalid:refused")} "
                + $"| {Count("acceptable:verified")} | {Count("acceptable:refused")} | {Count("outside:refused")} | {fileWrong} |");
        }

        var encryption = WycheproofVectors.Read(WycheproofVectors.RsaEncryption).ToList();
        Assert.All(encryption, v => Assert.Equal("RsaesPkcs1Decrypt", v.Group.GetProperty("type").GetString()));
        table.AppendLine($"| {WycheproofVectors.RsaEncryption} | {encryption.Count} | not applicable: RSAES-PKCS1-v1_5 decryption vectors, no signatures | | | | | | | 0 |");

        output.WriteLine(table.ToString());
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }
}
