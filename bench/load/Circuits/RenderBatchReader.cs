using System.Buffers.Binary;
using System.Text;

namespace LuffyBlazor.Load.Circuits;

/// <summary>An element a render batch inserted, with the attributes the circuit scenario looks for and its click handler.</summary>
public sealed record RenderedElement(int ComponentId, string Name, string? Class, string? AriaLabel, ulong ClickHandlerId);

/// <summary>A click handler a render batch replaced on an element it kept (a <c>SetAttribute</c> edit).</summary>
public sealed record ReplacedClickHandler(int ComponentId, ulong HandlerId);

/// <summary>
/// Reads what the circuit scenario needs from a Blazor Server render batch, in the binary layout the browser's
/// <c>blazor.web.js</c> reads (<c>OutOfProcessRenderBatch</c>): the elements the batch inserted with their
/// <c>onclick</c> handler ids, the click handlers it replaced, and the handler ids it disposed. Only the parts a
/// click needs; the rest of the batch (text, markup, moves) is skipped.
/// </summary>
public sealed class RenderBatchReader
{
    // RenderTreeFrameType and RenderTreeEditType values, as RenderBatchWriter writes them.
    private const int ElementFrame = 1, AttributeFrame = 3;
    private const int PrependFrameEdit = 1, SetAttributeEdit = 3;
    private const int FrameSize = 20, EditSize = 16;

    private readonly byte[] batch;
    private readonly int stringTable;

    private RenderBatchReader(byte[] batch)
    {
        this.batch = batch;
        stringTable = Int(batch.Length - 4);
    }

    public List<RenderedElement> InsertedElements { get; } = [];
    public List<ReplacedClickHandler> ReplacedClickHandlers { get; } = [];
    public HashSet<ulong> DisposedHandlerIds { get; } = [];

    public static RenderBatchReader Read(byte[] batch)
    {
        var reader = new RenderBatchReader(batch);
        reader.ReadAll();
        return reader;
    }

    private void ReadAll()
    {
        // The batch ends with the offsets of its five parts: updated components, reference frames, disposed
        // component ids, disposed event handler ids, string table. Each array is a count followed by its entries.
        var (diffs, frames, disposedHandlers) = (Int(batch.Length - 20), Int(batch.Length - 16), Int(batch.Length - 8));
        for (var i = 0; i < Int(disposedHandlers); i++)
        {
            DisposedHandlerIds.Add(BinaryPrimitives.ReadUInt64LittleEndian(batch.AsSpan(disposedHandlers + 4 + 8 * i)));
        }

        for (var d = 0; d < Int(diffs); d++)
        {
            var diff = Int(diffs + 4 + 4 * d);
            var componentId = Int(diff);
            var edits = diff + 4;
            for (var e = 0; e < Int(edits); e++)
            {
                var edit = edits + 4 + EditSize * e;
                var frameIndex = Int(edit + 8);
                var frame = frames + 4 + FrameSize * frameIndex;
                switch (Int(edit))
                {
                    case PrependFrameEdit when Int(frame) == ElementFrame:
                        ReadSubtree(componentId, frames, frameIndex, Int(frame + 4));
                        break;
                    case SetAttributeEdit when Int(frame) == AttributeFrame && String(Int(frame + 4)) == "onclick":
                        ReplacedClickHandlers.Add(new ReplacedClickHandler(componentId, HandlerId(frame)));
                        break;
                }
            }
        }
    }

    // An element frame is followed by its attribute frames, then its children (each element again with its attributes).
    private void ReadSubtree(int componentId, int frames, int first, int length)
    {
        for (var i = first; i < first + length; i++)
        {
            var frame = frames + 4 + FrameSize * i;
            if (Int(frame) != ElementFrame)
            {
                continue;
            }

            var (cssClass, ariaLabel, click) = ((string?)null, (string?)null, 0UL);
            for (var a = i + 1; a < first + length && Int(frames + 4 + FrameSize * a) == AttributeFrame; a++)
            {
                var attribute = frames + 4 + FrameSize * a;
                switch (String(Int(attribute + 4)))
                {
                    case "class": cssClass = String(Int(attribute + 8)); break;
                    case "aria-label": ariaLabel = String(Int(attribute + 8)); break;
                    case "onclick": click = HandlerId(attribute); break;
                }
            }

            InsertedElements.Add(new RenderedElement(componentId, String(Int(frame + 8)) ?? "", cssClass, ariaLabel, click));
        }
    }

    private ulong HandlerId(int attributeFrame) => BinaryPrimitives.ReadUInt64LittleEndian(batch.AsSpan(attributeFrame + 12));

    private int Int(int offset) => BinaryPrimitives.ReadInt32LittleEndian(batch.AsSpan(offset));

    // Strings are indexes into the table at the end: each entry the offset of a 7-bit-length-prefixed UTF-8 string.
    private string? String(int index)
    {
        if (index < 0)
        {
            return null;
        }

        var at = Int(stringTable + 4 * index);
        var (length, shift) = (0, 0);
        byte b;
        do
        {
            b = batch[at++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return Encoding.UTF8.GetString(batch, at, length);
    }
}
