namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// Delivers the simulator's due notifies (<see cref="WeChatSimulatorNotifications"/>): at once when one is queued, and
/// at every tick for the retries, which follow WeChat's schedule after the first attempt: 15s, 15s, 30s, 3m, 10m, 20m,
/// 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h, then given up.
/// </summary>
public sealed class WeChatSimulatorNotifier(WeChatSimulatorNotifications notifications, TimeProvider clock, ILogger<WeChatSimulatorNotifier> logger)
    : BackgroundService
{
    public static readonly TimeSpan[] RetrySchedule =
    [
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60),
        TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(6),
    ];

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            notifications.WakeUp.Reset();
            try
            {
                await notifications.DeliverDueAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "The WeChat Pay simulator's notifier failed; trying again at its next tick");
            }

            await Task.WhenAny(notifications.WakeUp.Signalled, Task.Delay(Tick, clock, stoppingToken));
        }
    }
}
