namespace LuffyBlazor.Common;

/// <summary>
/// Work started and not awaited (a page's background refresh, a re-render after navigation). A task nobody awaits
/// loses its exception without a trace; here its failure is logged instead. Cancellation is not a failure.
/// </summary>
public static class FireAndForget
{
    /// <summary>Lets <paramref name="task"/> run on; logs it as "<paramref name="operation"/> failed" if it throws.</summary>
    public static void Run(Task task, ILogger logger, string operation) => _ = ObserveAsync(task, logger, operation);

    private static async Task ObserveAsync(Task task, ILogger logger, string operation)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose (the page was left, the app is stopping).
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Operation} failed", operation);
        }
    }
}
