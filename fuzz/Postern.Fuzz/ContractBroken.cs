namespace Postern.Fuzz;

/// <summary>A parser answered outside its contract (e.g. refused an input without saying why): a crash for the fuzzer.</summary>
public sealed class ContractBroken(string message) : Exception(message)
{
    /// <summary>Throws when <paramref name="holds"/> is false.</summary>
    public static void Unless(bool holds, string message)
    {
        if (!holds)
        {
            throw new ContractBroken(message);
        }
    }
}
