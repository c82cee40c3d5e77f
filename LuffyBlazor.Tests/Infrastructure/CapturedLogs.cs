using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps what the app logs (after the app's own level filters), for tests that check a
/// warning or an error was given or what a request writes to the log.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public sealed record LogEntry(LogLevel Level, string Category, string Message, Exception? Exception);

    public IEnumerable<LogEntry> Entries => entries;

    public IEnumerable<string> Warnings => entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message);

    public IEnumerable<(string Message, Exception? Exception)> Errors =>
        entries.Where(e => e.Level >= LogLevel.Error).Select(e => (e.Message, e.Exception));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception), exception));
    }
}
