namespace LuffyBlazor.Common;

/// <summary>
/// A background job that waits <see cref="Interval"/> on the app's <see cref="TimeProvider"/>, runs once, and again:
/// a failed run is logged as a warning and retried after the next wait instead of ending the job.
/// </summary>
public abstract class PeriodicJob(TimeSpan interval, TimeProvider clock, ILogger logger) : BackgroundService
{
    public TimeSpan Interval => interval;

    protected TimeProvider Clock => clock;

    /// <summary>What the job does, for the warning when a run fails (e.g. "Sweeping abandoned uploads").</summary>
    protected abstract string What { get; }

    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "{What} failed; trying again in {Interval}", What, interval);
            }
        }
    }
}
