using SuccessBot.Storage;

namespace SuccessBot.Host;

/// <summary>What the host keeps on local disk beside its store: the read model's snapshot and the usage-event log's folder.</summary>
public sealed record StoreFiles(string Store)
{
    public string Snapshot => BookSnapshot.PathFor(Store);

    public string IngestLog => Store + ".ingest";
}
