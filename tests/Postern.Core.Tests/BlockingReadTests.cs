using System.Threading.Channels;

namespace Postern.Core.Tests;

public sealed class BlockingReadTests
{
    [Fact]
    public async Task Blocks_until_an_item_is_written_then_says_there_is_one()
    {
        var channel = Channel.CreateUnbounded<int>();
        var waiting = Task.Factory.StartNew(() => BlockingRead.WaitToRead(channel.Reader), TaskCreationOptions.LongRunning);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted); // nothing to read yet

        channel.Writer.TryWrite(7);
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(channel.Reader.TryRead(out var item));
        Assert.Equal(7, item);
    }

    [Fact]
    public async Task Says_there_is_none_once_the_channel_is_completed_and_read_out()
    {
        var channel = Channel.CreateUnbounded<int>();
        channel.Writer.TryWrite(1);
        channel.Writer.TryComplete();
        Assert.True(BlockingRead.WaitToRead(channel.Reader)); // what was written before completion is still read
        Assert.True(channel.Reader.TryRead(out _));

        var waiting = Task.Factory.StartNew(() => BlockingRead.WaitToRead(channel.Reader), TaskCreationOptions.LongRunning);
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Throws_the_error_a_channel_was_completed_with()
    {
        var channel = Channel.CreateUnbounded<int>();
        var waiting = Task.Factory.StartNew(() => BlockingRead.WaitToRead(channel.Reader), TaskCreationOptions.LongRunning);
        await Task.Delay(50);
        channel.Writer.TryComplete(new IOException("the disk is gone"));
        var error = await Assert.ThrowsAsync<IOException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("the disk is gone", error.Message);
    }
}
