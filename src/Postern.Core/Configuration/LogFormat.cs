namespace Postern.Configuration;

/// <summary>How log lines are written.</summary>
public enum LogFormat
{
    /// <summary>One line of text per event.</summary>
    Text,

    /// <summary>One JSON object per line: timestamp, level, category, event id, message, state and the trace id.</summary>
    Json,
}
