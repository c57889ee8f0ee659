using Microsoft.Extensions.Logging;

namespace Postern.Storage.Sqlite.Tests;

/// <summary>A logger that keeps every message it is given, with its event id.</summary>
internal sealed class CollectingLogger : ILogger
{
    private readonly Lock _lock = new();
    private readonly List<(int EventId, string Message)> _messages = [];

    public IReadOnlyList<(int EventId, string Message)> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _messages.Add((eventId.Id, formatter(state, exception)));
        }
    }
}
