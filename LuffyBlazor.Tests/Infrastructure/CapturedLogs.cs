using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>A logger provider that keeps what the app logs, for tests that check a warning or an error was given.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> entries = new();

    public IEnumerable<string> Warnings => entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    public IEnumerable<(string Message, Exception? Exception)> Errors =>
        entries.Where(e => e.Level >= LogLevel.Error).Select(e => (e.Message, e.Exception));

    public ILogger CreateLogger(string categoryName) => new Logger(entries);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, string, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
