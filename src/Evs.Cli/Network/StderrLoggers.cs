// The runtime's log (RuntimeLog: membership changes and their reasons, drops, failures) on
// standard error, at the level `evs node --log-level` asks for, so that a node's operator sees a
// failed store or a peer it cannot reach, and its standard output stays the events alone.
using Microsoft.Extensions.Logging;

namespace Evs.Cli.Network;

/// <summary>Loggers that write one line per entry at or above a level to standard error.</summary>
internal sealed class StderrLoggers(LogLevel minimum) : ILoggerFactory
{
    private static readonly Lock Writing = new();

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new StderrLogger(minimum, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    /// <summary>Not supported: these loggers write to standard error only.</summary>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("StderrLoggers write to standard error only");

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class StderrLogger(LogLevel minimum, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{DateTime.Now:HH:mm:ss.fff} {logLevel.ToString().ToLowerInvariant()} {category}: {formatter(state, exception)}";
            if (exception is not null) line += $"{Environment.NewLine}  {exception}";
            lock (Writing) Console.Error.WriteLine(line);
        }
    }
}
