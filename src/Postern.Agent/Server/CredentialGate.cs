namespace Postern.Agent.Server;

/// <summary>
/// Lets any number of requests present the bot credential together, and a renewal alone: a renewal waits until the
/// requests under way are answered, and requests that start meanwhile wait until it is done, then present its successor.
/// The server takes a superseded credential for a copied one and revokes the bot's credentials, so the agent must never
/// send the credential it is renewing once the renewal may have reached the server.
/// </summary>
internal sealed class CredentialGate
{
    private readonly Lock _lock = new();
    private int _users;
    private TaskCompletionSource? _renewed;
    private TaskCompletionSource? _drained;

    /// <summary>Waits while a renewal is under way; dispose the result once the request is answered.</summary>
    public async Task<IDisposable> UseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task renewal;
            lock (_lock)
            {
                if (_renewed is null)
                {
                    _users++;
                    return new Release(Leave);
                }

                renewal = _renewed.Task;
            }

            await renewal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops new requests and waits for those under way; dispose the result once the renewal is answered.</summary>
    public async Task<IDisposable> RenewAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_lock)
        {
            _renewed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_users == 0)
            {
                _drained.TrySetResult();
            }

            drained = _drained.Task;
        }

        try
        {
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            EndRenewal();
            throw;
        }

        return new Release(EndRenewal);
    }

    private void Leave()
    {
        lock (_lock)
        {
            if (--_users == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    private void EndRenewal()
    {
        TaskCompletionSource? renewed;
        lock (_lock)
        {
            renewed = _renewed;
            _renewed = null;
            _drained = null;
        }

        renewed?.TrySetResult();
    }

    private sealed class Release(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
