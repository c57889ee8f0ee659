using Postern.Server.WorkloadIdentity;

namespace Postern.Server.Tests.WorkloadIdentity;

/// <summary>The <c>jti</c> of a JWT-SVID: the issuance time first, so that ids sort in issuance order, then random bits.</summary>
public sealed class SvidTokenIdTests
{
    private static readonly DateTimeOffset Issued = new(2026, 12, 6, 16, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void An_id_is_32_lowercase_hex_characters_beginning_with_the_issuance_time_in_milliseconds()
    {
        var id = SvidTokenId.New(Issued);

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(Issued.ToUnixTimeMilliseconds(), Convert.ToInt64(id[..12], 16));
    }

    [Fact]
    public void Ids_made_later_sort_after_earlier_ones_whatever_their_random_bits()
    {
        TimeSpan[] later = [TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), TimeSpan.FromDays(3650)];
        for (var round = 0; round < 200; round++)
        {
            var ids = later.Select(after => SvidTokenId.New(Issued + after)).ToArray();
            Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Ids_of_one_millisecond_differ_in_their_random_bits()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => SvidTokenId.New(Issued)).ToArray();

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Single(ids.Select(id => id[..12]).Distinct(StringComparer.Ordinal));
        Assert.True(ids.Select(id => id[12..14]).Distinct(StringComparer.Ordinal).Count() > 200, "the random part's first byte took few values");
    }
}
