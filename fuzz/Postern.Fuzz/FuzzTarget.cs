namespace Postern.Fuzz;

/// <summary>
/// One fuzz target: a parser that reads attacker-controlled input, and the harness that feeds it one input and checks
/// that it answered with a result or its documented error. Anything else the harness lets escape is a crash.
/// </summary>
/// <param name="Name">The name <c>fuzz/run.sh</c> and the corpus folder use.</param>
/// <param name="Parser">The entry points the harness calls, for <c>fuzz/run.sh list</c>.</param>
/// <param name="Run">Feeds one input (at most <see cref="FuzzInput.MaxLength"/> bytes) to the parser.</param>
public sealed record FuzzTarget(string Name, string Parser, Action<byte[]> Run);
