using System.Collections.Concurrent;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Joins concurrent confirmations of the same order in this process to one database transaction. Alipay sends a
/// notify again when the answer is slow, the return page asks <c>alipay.trade.query</c> at the same time, and in a
/// notify storm every copy would otherwise queue on the database's single writer only to find the order already
/// paid. Across instances nothing changes: the compare-and-set in <see cref="OrderTransitions"/> keeps a payment
/// exactly-once; this only spares the duplicates their transaction.
/// </summary>
public sealed class InFlightPayments
{
    private readonly ConcurrentDictionary<string, Task<PaymentOutcome>> running = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs <paramref name="apply"/> unless the same order's payment is already being applied here, in which case it
    /// waits for that one. Only the caller whose work marked the order paid sees <see cref="PaymentOutcome.MarkedPaid"/>;
    /// the others see <see cref="PaymentOutcome.AlreadyPaid"/>, as they would had they come a moment later. A run that
    /// did not leave the order paid is not shared: it may have confirmed something else (a trade.query that found
    /// another amount), so a waiter then runs its own. A failure reaches every waiter (Alipay then retries; nothing
    /// was committed).
    /// </summary>
    public async Task<PaymentOutcome> JoinAsync(string outTradeNo, Func<Task<PaymentOutcome>> apply)
    {
        while (true)
        {
            var mine = new TaskCompletionSource<PaymentOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = running.GetOrAdd(outTradeNo, mine.Task);
            if (current == mine.Task)
            {
                return await RunAsync(outTradeNo, mine, apply);
            }

            if (await current is PaymentOutcome.MarkedPaid or PaymentOutcome.AlreadyPaid)
            {
                return PaymentOutcome.AlreadyPaid;
            }
        }
    }

    private async Task<PaymentOutcome> RunAsync(string outTradeNo, TaskCompletionSource<PaymentOutcome> mine, Func<Task<PaymentOutcome>> apply)
    {
        // Removed before the waiters are woken, so that one that runs its own does not find this run again.
        var entry = KeyValuePair.Create(outTradeNo, mine.Task);
        PaymentOutcome outcome;
        try
        {
            outcome = await apply();
        }
        catch (Exception ex)
        {
            running.TryRemove(entry);
            mine.SetException(ex);
            throw;
        }

        running.TryRemove(entry);
        mine.SetResult(outcome);
        return outcome;
    }
}
