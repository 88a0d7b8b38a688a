import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SignInForm } from "./signin-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signInMetaTitle") };
}

export default function SignInPage() {
  return <SignInForm />;
}
