using Postern.Storage;

namespace Postern.Storage.Conformance;

public abstract partial class BackendConformanceTests
{
    [Theory]
    [InlineData("")]
    [InlineData("roles/admin")]
    [InlineData(" /roles/admin")]
    public async Task A_key_that_does_not_start_with_a_slash_is_rejected_by_every_operation_naming_the_key(string key)
    {
        var store = await StoreAsync();

        List<ArgumentException> errors =
        [
            await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetAsync(key, None)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => store.PutAsync(key, Bytes("v"), null, None)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CompareAndSwapAsync(key, Revision.Absent, Bytes("v"), null, None)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => store.DeleteAsync(key, None)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => store.CompareAndDeleteAsync(key, 1, None)),
        ];

        Assert.All(errors, e => Assert.Contains(key, e.Message, StringComparison.Ordinal));
        Assert.Equal(0, await store.CurrentRevisionAsync(None));
    }

    [Fact]
    public async Task A_null_key_is_rejected()
    {
        var store = await StoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.PutAsync(null!, Bytes("v"), null, None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetAsync(null!, None));
    }
}
