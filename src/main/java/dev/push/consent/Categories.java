package dev.push.consent;

import dev.push.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The categories of messages members can opt out of ({@code push.consent.categories}; by default {@code promotions},
 * {@code news}, {@code account}). A campaign belongs to one, {@value #CAMPAIGN_DEFAULT} unless it says otherwise.
 */
@ApplicationScoped
public class Categories {
    public static final String CAMPAIGN_DEFAULT = "promotions";

    private final Set<String> known;

    public Categories(@ConfigProperty(name = "push.consent.categories", defaultValue = "promotions,news,account") List<String> known) {
        this.known = new LinkedHashSet<>(known);
    }

    public Set<String> known() {
        return known;
    }

    /** {@code category}, or the refusal naming {@code field} when it is not a known category. */
    public String check(String field, String category) {
        if (category == null || !known.contains(category)) {
            throw ApiException.badRequest(field, "must be one of the categories " + String.join(", ", known));
        }
        return category;
    }

    /** A campaign's category as stored; campaigns made before categories existed are promotional. */
    public static String ofCampaign(String stored) {
        return stored == null ? CAMPAIGN_DEFAULT : stored;
    }
}
