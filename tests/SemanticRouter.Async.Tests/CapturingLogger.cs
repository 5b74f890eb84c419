using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SemanticRouter.Async.Tests;

/// <summary>Keeps warnings and errors, so a failing queue test can say what the workers reported.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel) && Entries.Count < 1000)
        {
            Entries.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
