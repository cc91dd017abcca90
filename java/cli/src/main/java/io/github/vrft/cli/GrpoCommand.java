package io.github.vrft.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vrft.grpo.AdvantageFlavor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vrft grpo}: group advantages and the policy loss (forward and backward) for one document. */
@Command(name = "grpo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Computes group advantages and the clipped-ratio policy loss, forward and backward, for a document",
            "with impl (trl | verl | openrlhf), config and inputs shaped as in golden/grpo_cases.json.",
            "Writes {\"advantages\": [...], \"outputs\": {per_token_loss, loss, grad_logp, per_token_kl, metrics}}.",
            "Exit status: 0 ok; 1 the document is invalid (the message names the field); 2 usage."})
final class GrpoCommand implements Callable<Integer> {
    /** The mapper of the documents: numbers exact (BigDecimal, BigInteger), one document per file. */
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", required = true, description = "The document; - reads stdin.")
    String input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where the result goes; - is stdout (default).")
    String output;

    @Option(names = "--advantage", paramLabel = "FLAVOUR",
            description = "Advantage flavour for the rewards (default: the document's advantage_flavor_used, else "
                    + "the impl's own): visual-rft, trl-group, trl-batch, trl-none, verl, verl-no-std, "
                    + "verl-vectorized, openrlhf, openrlhf-dr-grpo.")
    String advantage;

    @Override
    public Integer call() throws IOException {
        ObjectMapper json = JSON;
        AdvantageFlavor flavor;
        try {
            flavor = advantage == null ? null : AdvantageFlavor.parse(advantage);
        } catch (IllegalArgumentException e) {
            System.err.println("vrft grpo: " + e.getMessage());
            return 2;
        }
        JsonNode doc;
        try (InputStream in = input.equals("-") ? System.in : Files.newInputStream(Path.of(input))) {
            // One document: trailing text or a second document is an error, not silently dropped.
            doc = json.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(in);
        } catch (java.nio.file.NoSuchFileException e) {
            System.err.println("vrft grpo: --input " + input + ": no such file");
            return 2;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            System.err.println("vrft grpo: " + input + ": not valid JSON: " + e.getOriginalMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("vrft grpo: --input " + input + ": " + (Files.isDirectory(Path.of(input))
                    ? "is a directory" : e.getMessage()));
            return 2;
        } catch (RuntimeException e) {
            System.err.println("vrft grpo: " + input + ": a number cannot be read: " + e.getMessage());
            return 1;
        }
        if (doc == null) {
            System.err.println("vrft grpo: " + input + ": empty input, expected a JSON document");
            return 1;
        }
        JsonNode result;
        try {
            result = GrpoDocument.run(doc, flavor, json);
        } catch (IllegalArgumentException e) {
            System.err.println("vrft grpo: " + input + ": " + e.getMessage());
            return 1;
        }
        OutputTarget target = null;
        try {
            target = OutputTarget.open(output);
            target.writer().write(json.writeValueAsString(result));
            target.writer().write('\n');
            target.commit();
        } catch (IOException e) {
            String name = target != null ? target.name() : output;
            System.err.println("vrft grpo: " + name + ": " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()) + "; " + (target != null ? target.failureNote() : "nothing was written"));
            return 1;
        } finally {
            if (target != null) {
                target.close();
            }
        }
        return 0;
    }
}
