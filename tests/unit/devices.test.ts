// The devicechange rules of the call's media tools (app/call/devices.ts): an
// unplugged device in use is noticed (and only a real one, never the
// "default" alias the browser moves by itself), a newly plugged one is offered.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addedDevices, deviceGone, devicesOf, type DeviceInfo } from "../../app/call/devices";

const d = (kind: MediaDeviceKind, deviceId: string, label = deviceId): DeviceInfo => ({ kind, deviceId, label });
const BASE = [d("audioinput", "default"), d("audioinput", "mic1"), d("videoinput", "cam1"), d("videoinput", "cam2"), d("audiooutput", "default"), d("audiooutput", "spk1")];

describe("devicechange", () => {
  test("the device in use is gone when it is no longer listed", () => {
    const after = BASE.filter((x) => x.deviceId !== "cam2");
    assert.equal(deviceGone(after, "videoinput", "cam2"), true);
    assert.equal(deviceGone(after, "videoinput", "cam1"), false);
    assert.equal(deviceGone(BASE, "audioinput", "mic1"), false);
  });
  test("same id under another kind does not count", () => {
    assert.equal(deviceGone([d("audioinput", "x")], "videoinput", "x"), true);
  });
  test("aliases and unknown ids are never gone (the browser moves them itself)", () => {
    assert.equal(deviceGone([], "audioinput", "default"), false);
    assert.equal(deviceGone([], "audioinput", "communications"), false);
    assert.equal(deviceGone([], "audioinput", undefined), false);
    assert.equal(deviceGone([], "audioinput", ""), false);
  });
  test("a plugged headset is offered, once, and aliases are not", () => {
    const after = [...BASE, d("audioinput", "headset", "USB headset"), d("audiooutput", "headset-out", "USB headset"), d("audioinput", "communications")];
    assert.deepEqual(
      addedDevices(BASE, after).map((x) => `${x.kind}:${x.deviceId}`),
      ["audioinput:headset", "audiooutput:headset-out"],
    );
    assert.deepEqual(addedDevices(after, after), []);
  });
  test("devices of a kind leave out entries without an id (no permission yet)", () => {
    assert.deepEqual(devicesOf([...BASE, d("videoinput", "")], "videoinput").map((x) => x.deviceId), ["cam1", "cam2"]);
  });
});
