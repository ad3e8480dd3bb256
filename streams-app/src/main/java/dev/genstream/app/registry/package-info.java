/**
 * Confluent-compatible schema registry client and Avro serdes, with no Confluent artifacts.
 *
 * <p>Works against Confluent Schema Registry, Redpanda, Karapace and Apicurio Registry (base URL
 * {@code http://host:port/apis/ccompat/v7}). Records use Confluent's wire format ({@link WireFormat}) and
 * TopicNameStrategy subjects ({@code <topic>-value}, {@code <topic>-key}).
 *
 * <p>Configuration keys (as Confluent's serdes read them):
 * <ul>
 *   <li>{@code schema.registry.url}: comma-separated; the first that accepts a connection is used</li>
 *   <li>{@code auto.register.schemas} (default true), {@code use.latest.version} (default false)</li>
 *   <li>{@code basic.auth.credentials.source}: {@code URL} (default: user info in the URL) or {@code USER_INFO}
 *       with {@code basic.auth.user.info=user:password}</li>
 *   <li>{@code schema.registry.ssl.truststore.location/password/type}, {@code schema.registry.ssl.keystore.
 *       location/password/type}, {@code schema.registry.ssl.key.password}, {@code schema.registry.ssl.protocol}
 *       (store type default JKS, protocol default TLSv1.3)</li>
 *   <li>{@code http.connect.timeout.ms} (default 10000), {@code http.read.timeout.ms} (default 30000)</li>
 *   <li>{@code specific.avro.value.type} / {@code specific.avro.key.type}: the generated class a
 *       by-class-name {@link AvroDeserializer} reads into</li>
 * </ul>
 * Each of the unprefixed keys is also read with a {@code schema.registry.} prefix.
 *
 * <p>Deserialization failures are {@link AvroSerdeException}s; {@link AvroSerdeException#deadLetterCode()}
 * maps a poison record to its DeadLetter code and is empty when the registry, not the record, is at fault.
 * {@link EmbeddedSchemaRegistry} serves the same API in-process for demos and tests.
 */
package dev.genstream.app.registry;
