namespace Postern.Authority;

/// <summary>The authorities in use now; replaced whole when the store changes.</summary>
public sealed class CertAuthorities
{
    private readonly CertAuthority?[] _current = new CertAuthority?[Enum.GetValues<CertAuthorityType>().Length];

    /// <summary>Whether every issuing authority (<see cref="CertAuthorityTypes.All"/>) is loaded.</summary>
    public bool IsReady => CertAuthorityTypes.All.All(type => Volatile.Read(ref _current[(int)type]) is not null);

    /// <summary>The authority of <paramref name="type"/>.</summary>
    /// <exception cref="InvalidOperationException">It has not been loaded.</exception>
    public CertAuthority Get(CertAuthorityType type) =>
        Volatile.Read(ref _current[(int)type]) ?? throw new InvalidOperationException($"the {type.Name()} authority is not loaded");

    /// <summary>Puts <paramref name="authority"/> in use, unless a newer revision is already in use.</summary>
    public void Set(CertAuthority authority)
    {
        ref var slot = ref _current[(int)authority.Type];
        while (true)
        {
            var seen = Volatile.Read(ref slot);
            if (seen is not null && seen.Revision >= authority.Revision)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref slot, authority, seen) == seen)
            {
                return;
            }
        }
    }
}
