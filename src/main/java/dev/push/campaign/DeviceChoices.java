package dev.push.campaign;

import dev.push.api.ApiException;
import dev.push.channel.DeviceChoice;
import dev.push.task.Task;
import org.bson.Document;

/** A campaign's choice of its members' devices, stored as {@code devices: {app?, platform?}} (null for every device). */
final class DeviceChoices {
    private DeviceChoices() {
    }

    static Document of(CampaignRequest.Devices devices) {
        if (devices == null) {
            return null;
        }
        Document out = new Document();
        if (devices.app() != null) {
            out.append("app", checked("devices.app", devices.app()));
        }
        if (devices.platform() != null) {
            out.append("platform", checked("devices.platform", devices.platform()));
        }
        return out.isEmpty() ? null : out;
    }

    private static String checked(String field, String value) {
        if (value.isBlank()) {
            throw ApiException.badRequest(field, "must not be blank (leave it out for every device)");
        }
        return value;
    }

    static DeviceChoice of(Task campaign) {
        Document d = campaign.devices;
        return d == null ? DeviceChoice.ANY : new DeviceChoice(d.getString("app"), d.getString("platform"));
    }
}
