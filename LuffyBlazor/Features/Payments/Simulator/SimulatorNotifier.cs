using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>A nudge from whoever queued a notify to the notifier, so it need not wait for its next tick.</summary>
public sealed class SimulatorWakeUp
{
    private TaskCompletionSource pending = New();

    /// <summary>Completes when <see cref="Signal"/> is called after the last <see cref="Reset"/>.</summary>
    public Task Signalled => Volatile.Read(ref pending).Task;

    public void Signal() => Volatile.Read(ref pending).TrySetResult();

    /// <summary>Called before each look at the queue: a signal from then on wakes the next wait.</summary>
    public void Reset() => Interlocked.Exchange(ref pending, New());

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Delivers due notifies: at once when one is queued, and at every tick for the retries.</summary>
public sealed class SimulatorNotifier(
    IServiceScopeFactory scopes, SimulatorWakeUp wakeUp, IOptions<SimulatorOptions> options, TimeProvider clock, ILogger<SimulatorNotifier> logger)
    : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private const int BatchSize = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunNotifier)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            wakeUp.Reset();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var notifications = scope.ServiceProvider.GetRequiredService<SimulatorNotifications>();
                var due = await notifications.ClaimDueAsync(BatchSize, stoppingToken);
                // Due copies go out together: that is how "send it concurrently" reaches the merchant at once.
                await Task.WhenAll(due.Select(claim => notifications.AttemptAsync(claim, stoppingToken)));
                if (due.Count == BatchSize)
                {
                    continue; // a full batch: more may be due, so no wait
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The simulator's notifier failed; trying again at its next tick");
            }

            await Task.WhenAny(wakeUp.Signalled, Task.Delay(Tick, clock, stoppingToken));
        }
    }
}
