// Tests of the real network: the processes' logs (membership changes and their reasons) go to
// the test's output, which xunit shows when the test fails: the first thing to read then. They
// are also kept, so that a test can assert what a process told its operator.
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace SpecTests.Runtime;

/// <summary>Logs of the processes into the test's output, Information and up; and kept in <see cref="Lines"/>.</summary>
public sealed class TestOutputLoggers(ITestOutputHelper output) : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _lines = new();
    private volatile bool _disposed;

    /// <summary>Every line logged so far, Information and up, as "Level: message".</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("the test's output is the only sink");

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() => _disposed = true;

    private void Write(string line)
    {
        if (_disposed) return;
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished: xunit no longer takes output.
        }
    }

    private sealed class Logger(TestOutputLoggers owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            owner._lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
            owner.Write($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
        }
    }
}
