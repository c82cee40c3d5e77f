using LuffyBlazor.Common;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace LuffyBlazor.Tests.Common;

public sealed class FireAndForgetTests
{
    private readonly CapturedLogs logs = new();
    private ILogger Logger => logs.CreateLogger("test");

    private async Task<List<(string Message, Exception? Exception)>> ErrorsOnceSettledAsync(Task task)
    {
        FireAndForget.Run(task, Logger, "Refreshing order T1");
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(5)));
        // The observer logs on the thread pool right after the task settles: on a busy machine that can take longer
        // than a fixed pause, so wait (bounded) for a failure's log line; a task that must log nothing gets 50 ms.
        var deadline = DateTime.UtcNow + (task.IsFaulted ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(50));
        while (!logs.Errors.Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        return logs.Errors.ToList();
    }

    [Fact]
    public async Task A_task_nobody_awaits_that_fails_is_logged_with_its_exception()
    {
        var failing = new TaskCompletionSource();

        var errors = ErrorsOnceSettledAsync(failing.Task);
        failing.SetException(new InvalidOperationException("database gone"));

        var (message, exception) = Assert.Single(await errors);
        Assert.Equal("Refreshing order T1 failed", message);
        Assert.Equal("database gone", exception?.Message);
    }

    [Fact]
    public async Task A_cancelled_or_finished_task_logs_nothing()
    {
        Assert.Empty(await ErrorsOnceSettledAsync(Task.FromCanceled(new CancellationToken(canceled: true))));
        Assert.Empty(await ErrorsOnceSettledAsync(Task.CompletedTask));
    }
}
