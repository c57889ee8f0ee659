using Postern.Configuration;

namespace Postern.Fuzz.Harnesses;

/// <summary>
/// <c>postern.yaml</c> through <see cref="ConfigLoader.Parse"/> (relative paths taken from a folder that does not
/// exist, so nothing on disk is found). Contract: a configuration, or <see cref="ConfigException"/> listing at
/// least one error, each with a message.
/// </summary>
internal static class ConfigHarness
{
    public static void Run(byte[] input)
    {
        try
        {
            var config = ConfigLoader.Parse(FuzzInput.Text(input), "/nonexistent/postern-fuzz");
            ContractBroken.Unless(config is not null, "no configuration and no error");
        }
        catch (ConfigException e)
        {
            ContractBroken.Unless(e.Errors.Count > 0 && e.Errors.All(x => !string.IsNullOrEmpty(x.Message)), "a ConfigException without an error message");
        }
    }
}
