using Postern.Testing;

namespace Postern.Storage.Postgres.Tests;

/// <summary>The test classes that share one <see cref="PostgresServer"/>; each test makes databases of its own on it.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
