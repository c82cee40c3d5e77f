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
    /// the others see <see cref="PaymentOutcome.AlreadyPaid"/>, as they would had they come a moment later. A failure
    /// reaches every waiter (Alipay then retries; nothing was committed).
    /// </summary>
    public async Task<PaymentOutcome> JoinAsync(string outTradeNo, Func<Task<PaymentOutcome>> apply)
    {
        var mine = new TaskCompletionSource<PaymentOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = running.GetOrAdd(outTradeNo, mine.Task);
        if (current != mine.Task)
        {
            var outcome = await current;
            return outcome == PaymentOutcome.MarkedPaid ? PaymentOutcome.AlreadyPaid : outcome;
        }

        try
        {
            var outcome = await apply();
            mine.SetResult(outcome);
            return outcome;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            throw;
        }
        finally
        {
            running.TryRemove(new KeyValuePair<string, Task<PaymentOutcome>>(outTradeNo, mine.Task));
        }
    }
}
