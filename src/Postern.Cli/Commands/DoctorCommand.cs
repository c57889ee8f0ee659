using System.CommandLine;

namespace Postern.Cli.Commands;

/// <summary><c>postern doctor</c>: checks of what Postern sends apps.</summary>
internal static class DoctorCommand
{
    public static Command Create() => new("doctor", "Check what Postern sends an app, and whether the app checks it.") { DoctorAppCommand.Create(), DoctorAssertionCommand.Create() };
}
